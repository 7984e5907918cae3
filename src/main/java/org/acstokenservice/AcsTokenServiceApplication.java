package org.acstokenservice;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class AcsTokenServiceApplication {

	public static void main(String[] args) {
		SpringApplication.run(AcsTokenServiceApplication.class, args);
	}

}
